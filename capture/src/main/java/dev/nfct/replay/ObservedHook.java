package dev.nfct.replay;

/**
 * The netfilter hooks of the IPv4 and IPv6 stacks, numbered as the kernel numbers them (and as
 * NFLOG reports them). Conntrack's entry path runs at {@link #PRE_ROUTING} and {@link #LOCAL_OUT};
 * its confirm step at {@link #LOCAL_IN} and {@link #POST_ROUTING}.
 */
public enum ObservedHook {
    PRE_ROUTING,
    LOCAL_IN,
    FORWARD,
    LOCAL_OUT,
    POST_ROUTING;

    private static final ObservedHook[] BY_NUMBER = values();

    /** @return the hook with the kernel's number {@code n}, or null for another number */
    public static ObservedHook ofNumber(int n) {
        return n >= 0 && n < BY_NUMBER.length ? BY_NUMBER[n] : null;
    }

    public boolean isEntry() {
        return this == PRE_ROUTING || this == LOCAL_OUT;
    }
}
