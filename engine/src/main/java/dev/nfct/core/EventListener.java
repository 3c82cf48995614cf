package dev.nfct.core;

/** Receives event messages as the engine emits them (a ctnetlink listener, in kernel terms). */
@FunctionalInterface
public interface EventListener {
    void onEvent(ConnEvent event);
}
