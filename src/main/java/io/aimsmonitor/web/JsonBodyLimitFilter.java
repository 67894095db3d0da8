package io.aimsmonitor.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refuses JSON request bodies larger than {@code aims.api.max-json-body} with a 413 problem
 * detail, before any controller or JSON parser sees them. A declared {@code Content-Length} over
 * the limit is refused without reading; a body without one (chunked) is read up to the limit and
 * refused as soon as it passes it, so a client can never make the service buffer more than the
 * limit. Only JSON bodies are checked: form posts (the sign-in page) are parsed by Tomcat from its
 * own stream, and the OpenLineage endpoint enforces its own per-source limit with the same answer.
 */
public class JsonBodyLimitFilter extends OncePerRequestFilter {

  static final String LINEAGE_PATH = "/api/v1/lineage";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final long maxBytes;

  public JsonBodyLimitFilter(RequestLimitProperties limits) {
    this.maxBytes = limits.maxJsonBody().toBytes();
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    String type = request.getContentType();
    if (type == null || request.getRequestURI().startsWith(LINEAGE_PATH)) {
      return true;
    }
    try {
      MediaType media = MediaType.parseMediaType(type);
      return !(MediaType.APPLICATION_JSON.isCompatibleWith(media) || media.getSubtype().endsWith("+json"));
    } catch (org.springframework.util.InvalidMimeTypeException e) {
      return true; // Spring MVC answers an unreadable content type with 415 on its own
    }
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    long declared = request.getContentLengthLong();
    if (declared > maxBytes) {
      refuse(request, response, "the request body declares " + declared + " bytes; JSON bodies are limited to "
          + maxBytes + " bytes (aims.api.max-json-body)");
      return;
    }
    byte[] body = readUpTo(request.getInputStream(), maxBytes + 1);
    if (body.length > maxBytes) {
      refuse(request, response, "the request body is larger than " + maxBytes
          + " bytes, the limit for JSON bodies (aims.api.max-json-body)");
      return;
    }
    chain.doFilter(new BufferedBody(request, body), response);
  }

  private static byte[] readUpTo(InputStream in, long limit) throws IOException {
    return in.readNBytes((int) Math.min(limit, Integer.MAX_VALUE - 8));
  }

  private static void refuse(HttpServletRequest request, HttpServletResponse response, String detail)
      throws IOException {
    Map<String, Object> problem = new LinkedHashMap<>();
    problem.put("type", "about:blank");
    problem.put("title", "Content Too Large");
    problem.put("status", HttpStatus.CONTENT_TOO_LARGE.value());
    problem.put("detail", detail);
    problem.put("instance", request.getRequestURI().replaceAll("[^A-Za-z0-9/_.~-]", "_"));
    response.setStatus(HttpStatus.CONTENT_TOO_LARGE.value());
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    // the unread rest of the body is not worth reading: close instead of letting Tomcat swallow it
    response.setHeader("Connection", "close");
    response.getOutputStream().write(JSON.writeValueAsBytes(problem));
  }

  /** The request with its body already read (within the limit), served from memory. */
  private static final class BufferedBody extends HttpServletRequestWrapper {
    private final byte[] body;

    BufferedBody(HttpServletRequest request, byte[] body) {
      super(request);
      this.body = body;
    }

    @Override
    public ServletInputStream getInputStream() {
      ByteArrayInputStream in = new ByteArrayInputStream(body);
      return new ServletInputStream() {
        @Override
        public int read() {
          return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
          return in.read(b, off, len);
        }

        @Override
        public boolean isFinished() {
          return in.available() == 0;
        }

        @Override
        public boolean isReady() {
          return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
          throw new UnsupportedOperationException("synchronous reads only");
        }
      };
    }

    @Override
    public BufferedReader getReader() {
      String encoding = getCharacterEncoding();
      Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
      return new BufferedReader(new InputStreamReader(getInputStream(), charset));
    }

    @Override
    public int getContentLength() {
      return body.length;
    }

    @Override
    public long getContentLengthLong() {
      return body.length;
    }
  }
}
