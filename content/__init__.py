"""The question bank: source documents, their importers, and the built decks."""
