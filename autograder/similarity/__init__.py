"""Similarity across a class: which submissions share code that the class does not share.

``autograder similarity ID SUBMISSIONS... --report FILE.html`` reads every submission with
the grader's own loader (the code cells the grader would run), cuts each one into the
code of each exercise, and compares them pairwise with copydetect's winnowing
fingerprints (the MOSS algorithm). Code given in the released notebook (stubs, given
code, demo and check cells) is starter code and never counts; code that a large part of
the class shares (the one obvious answer to a short exercise) is discounted. Pairs are
ranked, grouped into clusters, and shown side by side in one static HTML page.

Why copydetect and not compare50: compare50 1.2.15 requires ``attrs<21``, while
jsonschema and referencing (nbformat, JupyterLab) require ``attrs>=22.2``; pip's dry run
on this project's environment would downgrade attrs 26.1.0 to 20.3.0 and break them.
copydetect 0.5.0 needs only numpy, matplotlib, jinja2, pygments and tqdm, which the
project already has (tqdm aside). Its fingerprints (``CodeFingerprint``), comparison
(``compare_files``) and highlighting (``utils.highlight_overlap``) are used as they are;
this package adds what a course needs around them.

Trusted side, but nothing here runs student code: submissions are read as text and parsed
with :mod:`ast` at most. Nothing leaves the machine. Torch is never imported.

One job per module, in the order a run takes them: ``sources`` (code per student and
exercise), ``starter`` (the released template), ``fingerprints`` (copydetect),
``common`` (what the class shares), ``pairs`` (scores per exercise and whole), ``clusters``,
``report`` (HTML), ``pairs_csv``, and ``run`` (the job read top to bottom). ``disguise``
and ``bench`` make the disguised test set and the timing.
"""
