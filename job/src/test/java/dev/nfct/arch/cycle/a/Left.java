package dev.nfct.arch.cycle.a;

import dev.nfct.arch.cycle.b.Right;

/** Half of a deliberate package cycle, for ArchitectureTest to prove its cycle rule fails on one. */
public final class Left {
    public Right right;
}
