"""The one error the native launcher reports to the user as a plain message."""


class ClusterError(RuntimeError):
    """A native server could not be installed, started or bootstrapped."""
