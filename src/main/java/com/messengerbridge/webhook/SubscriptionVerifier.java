package com.messengerbridge.webhook;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Answers Meta's verification GET: {@code hub.mode=subscribe} and the configured verify token give
 * the challenge back, byte for byte; anything else is refused before the route writes a reply.
 */
public final class SubscriptionVerifier implements Processor {

    static final String MODE = "hub.mode";
    static final String TOKEN = "hub.verify_token";
    static final String CHALLENGE = "hub.challenge";
    /** Meta's challenges are short numbers; anything long or with control characters is not Meta. */
    static final int MAX_CHALLENGE_LENGTH = 256;

    private final byte[] verifyToken;

    public SubscriptionVerifier(String verifyToken) {
        this.verifyToken = verifyToken == null ? new byte[0] : verifyToken.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void process(Exchange exchange) {
        var message = exchange.getMessage();
        String challenge = verify(message.getHeader(MODE, String.class), message.getHeader(TOKEN, String.class),
                message.getHeader(CHALLENGE, String.class));
        message.setBody(challenge);
    }

    /** @return the challenge to send back */
    public String verify(String mode, String token, String challenge) {
        if (mode == null || token == null || challenge == null) {
            throw WebhookRejectedException.badRequest("verification request lacks hub.mode, hub.verify_token or hub.challenge");
        }
        if (challenge.isEmpty() || challenge.length() > MAX_CHALLENGE_LENGTH
                || challenge.chars().anyMatch(Character::isISOControl)) {
            throw WebhookRejectedException.badRequest("hub.challenge is empty, too long or holds control characters");
        }
        boolean tokenMatches = verifyToken.length > 0
                && MessageDigest.isEqual(verifyToken, token.getBytes(StandardCharsets.UTF_8));
        if (!"subscribe".equals(mode) || !tokenMatches) {
            throw new WebhookRejectedException(403, "forbidden",
                    "verification refused: hub.mode is not subscribe or the verify token does not match META_VERIFY_TOKEN");
        }
        return challenge;
    }
}
