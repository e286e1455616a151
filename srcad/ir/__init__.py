"""The intermediate representation: gast trees plus srcad's own nodes and notes.

`syntax` builds, copies, walks and prints gast trees; `dnotation` holds the derivative
notation (``d[x]``, static zeros, blocks, save/restore markers); `notes` the declared facts
that passes attach to statements. This package imports nothing else of srcad: every other
package builds on it.
"""
