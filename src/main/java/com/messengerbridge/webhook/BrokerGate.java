package com.messengerbridge.webhook;

/**
 * Keeps Meta's replies fast while the broker is down. Without it, every request would wait on the
 * broker connection in turn, and replies would pile up past Meta's 5 seconds. After a failed
 * store, requests are answered 503 at once; one request per cool-down period tries the broker,
 * and the first that stores its events opens the way for all again.
 */
public final class BrokerGate {

    private final long coolDownMillis;
    private volatile boolean closed;
    private long nextTrial;

    public BrokerGate(long coolDownMillis) {
        this.coolDownMillis = coolDownMillis;
    }

    /** Before a request's events are stored: refuses at once while the broker is known to be down. */
    public void enter() {
        if (!closed) {
            return;
        }
        synchronized (this) {
            long now = System.currentTimeMillis();
            if (now < nextTrial) {
                throw new BrokerUnavailableException();
            }
            nextTrial = now + coolDownMillis; // this request is the trial; the others wait for its outcome
        }
    }

    /** Every event of a request was stored: the broker is there. */
    public void stored() {
        closed = false;
    }

    /** The broker did not take an event: refuse quickly for a while. */
    public synchronized void failed() {
        nextTrial = System.currentTimeMillis() + coolDownMillis;
        closed = true;
    }

    /** The request was refused without trying the broker, which failed moments ago. */
    public static final class BrokerUnavailableException extends RuntimeException {
        BrokerUnavailableException() {
            super("broker unavailable (a store failed moments ago): answering 503 at once", null, false, false);
        }
    }
}
