"""The web client: blueprints per area, plus request hooks and i18n."""
