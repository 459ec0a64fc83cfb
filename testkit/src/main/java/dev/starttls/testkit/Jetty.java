package dev.starttls.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;

/** What the kit's Jetty fixtures share: start and stop with unchecked failures, and recording a request head. */
final class Jetty {
    private Jetty() {
    }

    static void start(Server server) {
        try {
            server.start();
        } catch (Exception e) {
            stop(server);
            throw new IllegalStateException("cannot start Jetty on loopback", e);
        }
    }

    static void stop(Server server) {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop Jetty", e);
        }
    }

    /** The head of {@code request} as received, with {@code target} as its request target. */
    static ReceivedRequest received(Request request, String target) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (HttpField field : request.getHeaders()) {
            headers.add(Map.entry(field.getName(), field.getValue()));
        }
        return new ReceivedRequest(request.getMethod(), target, headers);
    }
}
