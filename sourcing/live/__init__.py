"""Live sources: suppliers fetched from public APIs, added to the team's directory like a file.

- `query.py`: what the buyer asks (département, commune and radius, NAF codes, ESS/SIAE flags),
  turned into API parameters and a French description recorded with the source.
- `client.py`: the HTTP client of API Recherche d'entreprises: at most 7 requests per second,
  429 (Retry-After) waited for, 5xx and timeouts retried with backoff, no network said in French.
- `mapping.py`: an API page (unités légales with their matching establishments) -> staging rows,
  checked whole before anything is kept (a malformed page is reported and skipped).
- `fetch.py`: pagination with a checkpoint of pages done on disk (resumable without duplicates),
  then the normaliser and `sourcing.store.service.add_frame`.

Nothing here runs unless a buyer asks: the app and the CLI work offline by default.
"""
