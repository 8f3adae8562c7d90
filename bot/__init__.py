"""Sparringsbot: the Teams bot service."""
