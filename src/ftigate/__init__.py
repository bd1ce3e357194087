"""ftigate: a compliance-first gateway for requests for confidential tax information.

The package is layered, each layer importing only from those below it:
``cli``/``web`` -> ``service`` -> ``store``/``generator`` -> ``ledger``/``identity`` -> ``law``.
Small shared modules (``errors``, ``settings``, ``formats``, ``tabular``, ``crypto``) sit beside the
layers and import none of them.
"""

__version__ = "0.1.0"
