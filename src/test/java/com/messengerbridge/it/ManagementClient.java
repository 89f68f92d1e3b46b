package com.messengerbridge.it;

import java.net.http.HttpClient;
import java.time.Duration;

/**
 * The HTTP client of the tests' calls to the management port: HTTP/1.1, as Prometheus and
 * Kubernetes probes speak it. The JDK's default client offers an upgrade to HTTP/2 on a plain
 * connection; one metrics scrape made with it got no answer until the server closed the connection
 * as idle, 30 s later ("EOF reached while reading").
 */
final class ManagementClient {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private ManagementClient() {
    }
}
