"""The node layer, named as in drand: ``FileStore`` (the key folder, ``key_store``), ``Vault`` (the
share and group a chain signs with, in memory), ``BeaconProcess`` (one chain's round loop),
``SyncManager`` (catching up from peers), ``Daemon`` (ties them together).

Import from the submodules (``drand_edu.node.vault``...): each is one concept.
"""
