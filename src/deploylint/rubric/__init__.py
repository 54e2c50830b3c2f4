"""The rubric: rules as data, the engine that applies them, and the checks data can't say."""
