"""Several Powens domains in one dashboard: which exist (``registry``, from the environment),
which one the work under way acts on (``context``), and each one's upstream budget (``budget``).
"""
