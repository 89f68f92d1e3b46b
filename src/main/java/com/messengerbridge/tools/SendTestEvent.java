package com.messengerbridge.tools;

import com.messengerbridge.webhook.SignatureVerifier;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code send-test-event}: what Meta would send, to any bridge. A fixture file or a generated event
 * of a chosen type, signed with the App Secret from the environment, or the verification GET; it
 * prints the status and the reply. It replaces the unsigned curl tests of Meta's guide.
 */
public final class SendTestEvent {

    static final String USAGE = """
            usage: send-test-event <command> [options]
              verify                       the verification GET with META_VERIFY_TOKEN [--challenge C]
              post --file FILE             a webhook body from a file (a fixture), sent byte for byte
              post --type TYPE             a generated event: %s
                   [--object page|instagram] [--page-id ID] [--user-id ID]
              types                        the types post --type knows
            options: --url URL (default http://localhost:1337/webhook), --unsigned (no signature: to see the 401)
            environment: META_APP_SECRET (signs; the first of a comma-separated list), META_VERIFY_TOKEN
            """;

    /** One item per type, as Meta sends it; %1$s user, %2$s page, %3$s unique id, %4$d time in ms. */
    static final Map<String, String> TEMPLATES = new LinkedHashMap<>();

    static {
        String people = "\"sender\":{\"id\":\"%1$s\"},\"recipient\":{\"id\":\"%2$s\"},\"timestamp\":%4$d,";
        TEMPLATES.put("messages", "{" + people + "\"message\":{\"mid\":\"m_%3$s\",\"text\":\"hello from send-test-event\"}}");
        TEMPLATES.put("message_echoes", "{\"sender\":{\"id\":\"%2$s\"},\"recipient\":{\"id\":\"%1$s\"},\"timestamp\":%4$d,"
                + "\"message\":{\"is_echo\":true,\"app_id\":1517776481860111,\"mid\":\"m_%3$s\",\"text\":\"echo\"}}");
        TEMPLATES.put("message_deliveries", "{" + people + "\"delivery\":{\"mids\":[\"m_%3$s\"],\"watermark\":%4$d}}");
        TEMPLATES.put("message_reads", "{" + people + "\"read\":{\"watermark\":%4$d}}");
        TEMPLATES.put("messaging_postbacks", "{" + people
                + "\"postback\":{\"title\":\"Get Started\",\"payload\":\"GET_STARTED\",\"mid\":\"m_%3$s\"}}");
        TEMPLATES.put("messaging_optins", "{" + people + "\"optin\":{\"ref\":\"test-%3$s\"}}");
        TEMPLATES.put("messaging_referrals", "{" + people
                + "\"referral\":{\"ref\":\"test-%3$s\",\"source\":\"SHORTLINK\",\"type\":\"OPEN_THREAD\"}}");
        TEMPLATES.put("messaging_account_linking", "{" + people
                + "\"account_linking\":{\"status\":\"linked\",\"authorization_code\":\"code-%3$s\"}}");
        TEMPLATES.put("messaging_handovers", "{" + people
                + "\"pass_thread_control\":{\"new_owner_app_id\":\"123456789\",\"metadata\":\"test-%3$s\"}}");
        TEMPLATES.put("messaging_policy_enforcement", "{\"recipient\":{\"id\":\"%2$s\"},\"timestamp\":%4$d,"
                + "\"policy_enforcement\":{\"action\":\"warning\",\"reason\":\"test-%3$s\"}}");
        TEMPLATES.put("message_reactions", "{" + people
                + "\"reaction\":{\"mid\":\"m_%3$s\",\"action\":\"react\",\"reaction\":\"love\",\"emoji\":\"\\u2764\"}}");
        TEMPLATES.put("message_edits", "{" + people
                + "\"message_edit\":{\"mid\":\"m_%3$s\",\"text\":\"edited\",\"num_edit\":1}}");
        TEMPLATES.put("response_feedback", "{" + people
                + "\"response_feedback\":{\"mid\":\"m_%3$s\",\"feedback\":\"Good response\"}}");
        TEMPLATES.put("standby", "{" + people + "\"message\":{\"mid\":\"m_%3$s\",\"text\":\"while another app owns the thread\"}}");
        TEMPLATES.put("feed", "{\"field\":\"feed\",\"value\":{\"item\":\"status\",\"verb\":\"add\",\"post_id\":\"%2$s_%3$s\","
                + "\"message\":\"a post\",\"created_time\":%4$d}}");
    }

    private SendTestEvent() {
    }

    public static void main(String... args) {
        System.exit(run(args, System.getenv(), System.out));
    }

    /** @return the exit status: 0 when the bridge answered 200, 1 for another answer or none, 2 a wrong command line */
    public static int run(String[] args, Map<String, String> env, PrintStream out) {
        try {
            Options options = new Options(args, env);
            URI url = URI.create(options.get("url", null, "http://localhost:1337/webhook"));
            HttpRequest.Builder request;
            switch (options.word(0)) {
                case "types" -> {
                    out.println(String.join(",", TEMPLATES.keySet()));
                    return 0;
                }
                case "verify" -> {
                    String challenge = options.get("challenge", null, "CHALLENGE_ACCEPTED");
                    request = HttpRequest.newBuilder(URI.create(url + "?hub.mode=subscribe&hub.verify_token="
                            + URLEncoder.encode(options.secret("META_VERIFY_TOKEN"), StandardCharsets.UTF_8)
                            + "&hub.challenge=" + URLEncoder.encode(challenge, StandardCharsets.UTF_8))).GET();
                }
                case "post" -> {
                    byte[] body = body(options);
                    request = HttpRequest.newBuilder(url).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
                    if (!options.named().containsKey("unsigned")) {
                        request.header("X-Hub-Signature-256", sign(options.secret("META_APP_SECRET"), body));
                    }
                    out.println("POST " + url + " (" + body.length + " bytes"
                            + (options.named().containsKey("unsigned") ? ", unsigned)" : ", signed)"));
                }
                default -> throw new Options.UsageException(options.word(0).isEmpty() ? "no command"
                        : "unknown command " + options.word(0));
            }
            HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10)).build()
                    .send(request.timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
            out.println(response.statusCode() + " " + response.body());
            response.headers().firstValue("Retry-After").ifPresent(after -> out.println("Retry-After: " + after));
            return response.statusCode() == 200 ? 0 : 1;
        } catch (Options.UsageException wrong) {
            out.println(wrong.getMessage());
            out.printf(USAGE, String.join(",", TEMPLATES.keySet()));
            return 2;
        } catch (IOException failed) {
            out.println("no answer: " + failed.getClass().getSimpleName() + " " + failed.getMessage());
            return 1;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /** The file's exact bytes, or a fresh envelope around one generated item. */
    static byte[] body(Options options) throws IOException {
        String file = options.get("file", null, null);
        if (file != null) {
            return Files.readAllBytes(Path.of(file));
        }
        String type = options.require("type", null);
        String template = TEMPLATES.get(type);
        if (template == null) {
            throw new Options.UsageException("unknown type " + type + "; one of " + String.join(",", TEMPLATES.keySet()));
        }
        String object = options.get("object", null, "page");
        String page = options.get("page-id", "META_PAGE_ID", "100000000000001");
        String user = options.get("user-id", null, "7000000000000001");
        long now = System.currentTimeMillis();
        String item = String.format(template, user, page, UUID.randomUUID().toString().replace("-", ""), now);
        String container = switch (type) {
            case "standby" -> "standby";
            case "feed" -> "changes";
            default -> "messaging";
        };
        return ("{\"object\":\"" + object + "\",\"entry\":[{\"id\":\"" + page + "\",\"time\":" + now + ",\""
                + container + "\":[" + item + "]}]}").getBytes(StandardCharsets.UTF_8);
    }

    /** Signed as Meta signs, by the bridge's own signature code, with the first secret of a rotation list. */
    static String sign(String secrets, byte[] body) {
        return new SignatureVerifier(List.of(secrets.split(",")[0].strip())).signatureOf(body);
    }
}
