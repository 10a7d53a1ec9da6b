"""What-if pairing: score every mentor–mentee candidate pair, propose the best set.

The engine is plain Python (numpy, pandas, scipy); `docs/matching.md` explains every criterion
with worked examples. The steps, one module each:

1. `pool.pool_from_program` picks the people to pair from the store's frames: those waiting
   for a match (`mode="unmatched"`) or the people in a cohort's open pairs (`mode="rematch"`).
2. `scoring.score_matrix` scores every (mentee, mentor) candidate pair 0–100 — the weighted
   mean of the criteria in `settings.CRITERIA`, each 0..1, where a criterion that cannot be
   measured for a pair (a blank cell) is left out and the others re-weighted — and marks which
   pairs the hard constraints allow. It is vectorised: no Python loop runs over pairs.
3. `solver.propose_pairs` finds, among the allowed pairs, a set that matches the most mentees
   and, among those, has the highest total score (optionally the highest *lowest* score
   first), with each mentor in at most `capacity` pairs and each mentee in at most one.
   `explain` words why each pair scores what it does and why each person is left out.
4. `compare.compare` sets proposals and today's pairing side by side.

`settings` holds what decides a proposal (`MatchSettings`) and `MatchingError`. A pool in which
nothing can be proposed (no mentors, no mentees, no allowed pair) raises `MatchingError` with
one plain sentence; so do settings that contradict each other (a locked pair that is also
forbidden, more locked pairs than a mentor's capacity).
"""
