"""The node layer, named as in drand: ``Vault`` (key material), ``BeaconProcess`` (one chain's round
loop), ``SyncManager`` (catching up from peers), ``Daemon`` (ties them together).

Import from the submodules (``drand_edu.node.vault``...): each is one concept.
"""
