package com.messengerbridge.observe;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * A token that an endpoint of the management port requires, as {@code Authorization: Bearer
 * <token>}. Compared in constant time, so it cannot be guessed a character at a time. As a Vert.x
 * handler in front of an endpoint, it answers 401 to any request without it.
 */
public final class BearerToken implements Handler<RoutingContext> {

    /** Shorter tokens are guessable: settings that take a token refuse them at start. */
    public static final int MIN_LENGTH = 16;

    private final byte[] token;
    private final String realm;

    public BearerToken(String token, String realm) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.realm = realm;
    }

    /** The token of an {@code Authorization} header, or null when it is not a bearer token. */
    public static String presented(String authorization) {
        return authorization != null && authorization.startsWith("Bearer ")
                ? authorization.substring("Bearer ".length()).strip() : null;
    }

    public boolean accepts(String presented) {
        return presented != null && MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void handle(RoutingContext context) {
        if (accepts(presented(context.request().getHeader("Authorization")))) {
            context.next();
            return;
        }
        context.response().setStatusCode(401).putHeader("WWW-Authenticate", "Bearer realm=\"" + realm + "\"")
                .putHeader("Content-Type", "text/plain").end("unauthorized");
    }
}
