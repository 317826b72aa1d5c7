"""The residents' portal: submit a dossier from a phone, get a receipt, follow it, send missing papers.

Server-rendered Vietnamese HTML (FastAPI and Jinja2, which come with Prefect), no
JavaScript: it has to work on any phone, and every page must read well to a screen
reader (axe-core in the browser tests). It is the only part residents reach, so it
holds no S3 or Prefect credentials in anything it sends, checks every upload with the
pipeline's own sniffing and limits before storing anything, and shows personal data
only to whoever holds the dossier's PIN. A dossier filed here goes into the inbox as
station ``cong-dan`` and through the same pipeline as every scan.
"""
