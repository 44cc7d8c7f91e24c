"""In-memory stand-ins for the core's storage roles (`bot.core.ports`): test doubles that
answer like `storage/` does, held to it by the contract tests in `tests/contracts`."""
