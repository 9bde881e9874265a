"""All models, imported here so Alembic and the app see the whole schema."""

from ypb.models.account import Municipality, User
from ypb.models.audit import AuditEntry
from ypb.models.base import Base
from ypb.models.calendar import CalendarEvent
from ypb.models.comment import Comment, CommentReport
from ypb.models.competition import JuryCriterion, JuryScore
from ypb.models.council import Affiliation, Council, Membership, Person, Seat
from ypb.models.cycle import Category, Cycle
from ypb.models.kpi import ProjectKpis
from ypb.models.meeting import AgendaItem, AttendanceRecord, Decision, Meeting, Minutes, Motion, Vote
from ypb.models.notification import Notification
from ypb.models.project import FundedProject, ProjectMilestone, TermsChange
from ypb.models.proposal import (
    FeasibilityNote,
    Proposal,
    ProposalStatus,
    Revision,
    Verdict,
    revision_addresses,
)
from ypb.models.results import TallyResult
from ypb.models.survey import Survey, SurveyAnswer
from ypb.models.voting import (
    Ballot,
    BallotChoice,
    Budget,
    CensusEntry,
    PaperBatch,
    Participation,
    VotingCode,
    VotingKey,
)

__all__ = [
    "Ballot", "BallotChoice", "Budget", "CensusEntry", "PaperBatch", "Participation", "VotingCode", "VotingKey",
    "TallyResult", "JuryCriterion", "JuryScore",
    "AuditEntry", "Base", "Category", "Comment", "CommentReport", "Cycle", "FeasibilityNote",
    "Municipality", "Notification", "Proposal", "ProposalStatus", "Revision", "User", "Verdict",
    "revision_addresses",
    "Affiliation", "Council", "Membership", "Person", "Seat",
    "AgendaItem", "AttendanceRecord", "Decision", "Meeting", "Minutes", "Motion", "Vote",
    "FundedProject", "ProjectMilestone", "TermsChange",
    "CalendarEvent",
    "ProjectKpis", "Survey", "SurveyAnswer",
]
