"""The CLI's sub-commands, one module per concern; ``monitor.cli`` puts them together."""
