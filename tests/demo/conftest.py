import pytest

from govinspect.demo.network import build_network


@pytest.fixture(scope="session")
def small_net():
    """The clean small network the skeleton integration uses (no fault modes)."""
    return build_network(seed=20220630, sites=5, scale=0.2, port=80, faults=False)


@pytest.fixture(scope="session")
def full_net():
    """The default network: 53 sites, every planted kind, fault modes on."""
    return build_network(seed=20220630)
