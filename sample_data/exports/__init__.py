"""Sample files as other programs export them (Microsoft Forms, Google Forms, Qualtrics, a
Workday-style HR report), written by `make_exports.py` from the demo program's people, so that
the mapping presets can be tried on them: `python -m sample_data.exports.make_exports`."""
