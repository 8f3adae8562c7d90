"""Theme-group routing: domain layer, evidence, calibrated decision, learning from use and the groups check."""
from .decision import Calibration, Decision, decide
from .domain import DomainLayer, load_domain
from .router import Analysis, GroupMatch, Router

__all__ = ["Analysis", "Calibration", "Decision", "DomainLayer", "GroupMatch", "Router", "decide", "load_domain"]
