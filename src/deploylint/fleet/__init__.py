"""The fleet view: every doc of a run read as one fleet of agents, resources and locks."""
