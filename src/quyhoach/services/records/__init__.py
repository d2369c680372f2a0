"""Records: the lists an office keeps (cadres, units, titles, postings, evaluations...), read
from and written to XLSX/CSV, searched and listed, and the demo province loaded through them."""
