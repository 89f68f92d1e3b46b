package com.messengerbridge.webhook;

/**
 * A request the bridge refuses. {@link #getStatus()} is the HTTP status, {@link #getReply()} the
 * short generic text the caller sees; the message says what was wrong for the log, and never
 * carries payload, signature or secret.
 */
public class WebhookRejectedException extends RuntimeException {

    private final int status;
    private final String reply;

    public WebhookRejectedException(int status, String reply, String reason) {
        super(reason, null, false, false);
        this.status = status;
        this.reply = reply;
    }

    public static WebhookRejectedException badRequest(String reason) {
        return new WebhookRejectedException(400, "bad request", reason);
    }

    public int getStatus() {
        return status;
    }

    public String getReply() {
        return reply;
    }
}
