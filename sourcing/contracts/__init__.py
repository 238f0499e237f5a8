"""Public contracts won by the directory's suppliers (DECP: données essentielles de la commande publique).

- `decp.py`: rows of the consolidated DECP -> one contract per (contract, holder SIRET), with its
  buyer, date, amount, CPV and social considerations; the row report.
- `fetch.py`: the consolidated DECP through data.gouv's tabular API, by batches of SIRETs,
  resumable (checkpoint on disk), polite (the live client: spacing, 429, backoff, offline).
- `reading.py`: a DECP file the buyer downloaded (CSV, Parquet, JSON).
- `stored.py`: the contracts kept in the store; each directory version carries them.
- `summary.py`: what a buyer reads: "3 marchés publics depuis 2023, dont 2 pour des acheteurs à
  moins de 30 km", the list of contracts, the filter's and sort's columns.
- `buyer.py`: the contracts a BUYER notified, by the buyer's SIRET (acheteur_id), as the annual
  report's `Contracts` (`sourcing.plan.contracts`); asked on request, never stored.
"""
