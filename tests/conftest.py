"""Test-wide settings: never reach a model hub, keep the user's index untouched."""

import os

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
