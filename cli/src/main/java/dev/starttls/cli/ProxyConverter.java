package dev.starttls.cli;

import dev.starttls.http.HttpProxy;
import java.net.URI;
import java.net.URISyntaxException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses {@code --proxy http://[user:password@]host:port} (userinfo percent-decoded) into an {@link HttpProxy}. */
final class ProxyConverter implements ITypeConverter<HttpProxy> {
    @Override
    public HttpProxy convert(String value) {
        try {
            URI uri = new URI(value);
            if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null || uri.getPort() == -1
                    || !(uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))) {
                throw new TypeConversionException("'" + value + "' is not http://[user:password@]host:port");
            }
            HttpProxy proxy = HttpProxy.of(uri.getHost(), uri.getPort());
            String userInfo = uri.getUserInfo();
            if (userInfo == null) {
                return proxy;
            }
            int colon = userInfo.indexOf(':');
            return colon < 0 ? proxy.withBasicAuth(userInfo, "")
                    : proxy.withBasicAuth(userInfo.substring(0, colon), userInfo.substring(colon + 1));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new TypeConversionException("'" + value + "' is not http://[user:password@]host:port: "
                    + e.getMessage());
        }
    }
}
