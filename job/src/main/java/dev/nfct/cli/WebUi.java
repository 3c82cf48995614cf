package dev.nfct.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;

/**
 * Where the demo's Flink web UI listens: loopback unless asked otherwise (the UI accepts jar
 * uploads), on a port picked before the cluster starts so that the URL printed is the real one.
 */
record WebUi(String address, int port) {
    static final int FIRST_PORT = 8081;
    static final int LAST_PORT = 8090;

    /**
     * @param port a port to use as given, or null for the first free one of 8081-8090
     * @throws IllegalArgumentException for an address or port that cannot be used
     */
    static WebUi choose(String address, String port) {
        InetAddress addr;
        try {
            addr = InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--web-address: unknown host '" + address + "'");
        }
        if (port != null) {
            int p;
            try {
                p = Integer.parseInt(port.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--web-port must be a port number, not '" + port + "'");
            }
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException("--web-port must be from 1 to 65535, not " + p);
            }
            if (!free(addr, p)) {
                throw new IllegalArgumentException("--web-port " + p + " is in use on " + address);
            }
            return new WebUi(address, p);
        }
        for (int p = FIRST_PORT; p <= LAST_PORT; p++) {
            if (free(addr, p)) {
                return new WebUi(address, p);
            }
        }
        throw new IllegalArgumentException(
                "ports " + FIRST_PORT + "-" + LAST_PORT + " are all in use on " + address + "; give --web-port");
    }

    String url() {
        String host = address.contains(":") ? "[" + address + "]" : address;
        return "http://" + host + ":" + port;
    }

    private static boolean free(InetAddress addr, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(addr, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
