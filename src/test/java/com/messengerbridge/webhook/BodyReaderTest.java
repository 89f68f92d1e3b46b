package com.messengerbridge.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The reader on a real Vert.x HTTP server, spoken to over a socket: each bound and its status. */
class BodyReaderTest {

    private final BodyReader reader = new BodyReader(1000, 1500, 300);
    /** Bodies read and not yet answered: their bytes stay charged until a test closes them. */
    private final List<BodyReader.Body> held = new CopyOnWriteArrayList<>();
    private Vertx vertx;
    private HttpServer server;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(request -> reader.read(vertx, request).onComplete(read -> {
            if (read.succeeded()) {
                held.add(read.result());
                request.response().end("read " + read.result().bytes().length);
            } else {
                BodyReader.Refused refused = (BodyReader.Refused) read.cause();
                request.response().setStatusCode(refused.status()).end(refused.reason());
            }
        })).listen(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void readsTheWholeBodyAndHoldsItsBytesUntilClosed() throws Exception {
        assertThat(send(post(600, "x".repeat(600)))).startsWith("HTTP/1.1 200").endsWith("read 600");
        assertThat(reader.bytesInFlight()).isEqualTo(600);

        held.forEach(BodyReader.Body::close);

        assertThat(reader.bytesInFlight()).isZero();
    }

    @Test
    void bytesBeyondTheAllowanceAre503AndWhatWasChargedIsGivenBack() throws Exception {
        assertThat(send(post(900, "x".repeat(900)))).endsWith("read 900");

        assertThat(send(post(900, "y".repeat(900)))).startsWith("HTTP/1.1 503").endsWith("bytes_in_flight");
        assertThat(reader.bytesInFlight()).isEqualTo(900);
    }

    @Test
    void aContentLengthOverTheMaximumIs413BeforeTheBodyIsSent() throws Exception {
        assertThat(send(post(1001, ""))).startsWith("HTTP/1.1 413").endsWith("too_large");
    }

    @Test
    void anyTransferEncodingIs411() throws Exception {
        assertThat(send("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"))
                .startsWith("HTTP/1.1 411").endsWith("length_required");
    }

    @Test
    void aBodyThatStopsComingIs408AndHoldsNothing() throws Exception {
        assertThat(send(post(500, "only a part"))).startsWith("HTTP/1.1 408").endsWith("body_timeout");
        assertThat(reader.bytesInFlight()).isZero();
    }

    @Test
    void anAllowanceSmallerThanABodyIsAConfigurationError() {
        assertThatThrownBy(() -> new BodyReader(1000, 999, 300)).hasMessageContaining("WEBHOOK_MAX_IN_FLIGHT_BYTES");
    }

    private static String post(int contentLength, String body) {
        return "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " + contentLength + "\r\n\r\n" + body;
    }

    /** One request on its own connection; the reply as text, once the server has answered. */
    private String send(String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.actualPort())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder reply = new StringBuilder();
            byte[] buffer = new byte[4096];
            while (!complete(reply)) {
                int read = in.read(buffer);
                if (read < 0) {
                    break;
                }
                reply.append(new String(buffer, 0, read, StandardCharsets.US_ASCII));
            }
            return reply.toString();
        }
    }

    /** Headers in and as many body bytes as their content-length says. */
    private static boolean complete(StringBuilder reply) {
        int headersEnd = reply.indexOf("\r\n\r\n");
        if (headersEnd < 0) {
            return false;
        }
        String headers = reply.substring(0, headersEnd).toLowerCase();
        int at = headers.indexOf("content-length: ");
        int length = Integer.parseInt(headers.substring(at + 16).split("\r\n")[0].strip());
        return reply.length() - headersEnd - 4 >= length;
    }
}
