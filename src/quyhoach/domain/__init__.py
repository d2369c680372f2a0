"""Pure domain code: names, dates, vocabulary, rules. No flask, sqlmodel or ortools here."""
