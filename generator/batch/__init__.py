"""Batch generation for a jurisdiction: many units checked and rendered in parallel worker processes, collection
workbooks (xlsx) to gather the figures, roll-up of many units into one report, and a seeded generator of test units."""
