"""The one spaCy pipeline (blank nb + our lemma and sentence components), the Norwegian lemma
table and the hash look-up they share."""
