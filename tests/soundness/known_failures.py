"""The corpus cases srcad fails today: case id -> (class of issue 13, what happens).

tests/test_soundness.py runs these as strict xfails: when the engine fixes one, its
entry must go. Regenerate with `python -m soundness.survey --write` from tests/.

Tally (610 cases; 0 fail, 314 pass by a located refusal):

    class  cases  failing  wrong  crash  gencode  unlocated
        0     48        0      0      0        0          0
        1    163        0      0      0        0          0
        2     41        0      0      0        0          0
        3     54        0      0      0        0          0
        4     29        0      0      0        0          0
        5     40        0      0      0        0          0
        6     71        0      0      0        0          0
        7     30        0      0      0        0          0
        8     54        0      0      0        0          0
        9     37        0      0      0        0          0
       10     43        0      0      0        0          0
    total    610        0      0      0        0          0

wrong: a number that differs from finite differences or the hand value, with no error;
crash: a non-srcad exception from srcad itself (or generated code that does not
compile); gencode: a non-srcad exception raised by generated code where the user's
function runs; unlocated: a SrcadError that does not name the user's file and line.
(class 0 is the everyday code between the classes.)
"""

KNOWN_FAILURES: dict[str, tuple[int, str]] = {}
