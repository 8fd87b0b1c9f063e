"""Writes of letters, one module per part: `workflow` (request to hand-over, corrections,
take-over), `kiosk` (the resident's own request), `settings` (a village's letter settings and
wording) and `incoming` (surat masuk and dispositions). Import from the module itself."""
