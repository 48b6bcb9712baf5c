// Filled in by the language and REPL issues.
