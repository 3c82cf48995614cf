package dev.nfct.arch.cycle.b;

import dev.nfct.arch.cycle.a.Left;

/** The other half of the deliberate package cycle (see Left). */
public final class Right {
    public Left left;
}
