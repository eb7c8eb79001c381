"""After the fact: scam reports → campaigns → the leaking account → every exposed buyer."""

from ordermoat.trace.attribution import Attribution, SubjectFigures, attribute, run_attribution, screen
from ordermoat.trace.hits import SubjectHits
from ordermoat.trace.pipeline import run_trace

__all__ = ["run_trace", "run_attribution", "screen", "attribute", "Attribution", "SubjectFigures", "SubjectHits"]
