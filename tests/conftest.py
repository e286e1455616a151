import os

from hypothesis import settings

settings.register_profile("fast", max_examples=25, deadline=None)
settings.register_profile("fuzz", max_examples=10000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fast"))
