package io.github.springwithings.notification;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

import io.github.springwithings.notification.WithingsNotificationReceiver.Reply;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.util.Assert;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Serves Withings' notification callback in a servlet application: on its exact path it answers
 * by itself (the rest of the chain, Spring Security included, never sees the request: no
 * session, no CSRF token, no login redirect); every other request passes by. Register it before
 * Spring Security's filter. What it answers is decided by the {@link WithingsNotificationReceiver}.
 */
public final class WithingsNotificationFilter extends OncePerRequestFilter {

	/** The answer when a check ended without one: Withings retries. */
	private static final Reply UNAVAILABLE = new Reply(503, "");

	private final WithingsNotificationReceiver receiver;

	/**
	 * @param receiver what handles the notifications
	 */
	public WithingsNotificationFilter(WithingsNotificationReceiver receiver) {
		Assert.notNull(receiver, "receiver cannot be null");
		this.receiver = receiver;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		String uri = request.getRequestURI();
		String contextPath = request.getContextPath();
		return !this.receiver.matches(uri, uri.startsWith(contextPath) ? uri.substring(contextPath.length()) : uri);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		Reply reply = this.receiver.beforeBody(request.getMethod(), request.getRemoteAddr(), request.getContentType(),
				request.getContentLengthLong());
		if (reply == null) {
			byte[] body;
			try (InputStream in = request.getInputStream()) {
				body = in.readNBytes(WithingsNotificationReceiver.MAX_BODY_BYTES + 1);
			}
			catch (IOException ex) {
				// a body that cannot be read is not a notification: 400, never a 500
				body = new byte[0];
			}
			// a request thread may wait for the inbox's insert: only an unlink's check goes asynchronous
			CompletableFuture<Reply> answer = this.receiver
				.answer((body.length > WithingsNotificationReceiver.MAX_BODY_BYTES) ? null : body, true);
			if (!answer.isDone() && request.isAsyncSupported()) {
				// an unlink whose link is being checked: answered when the check decides, the request
				// thread free meanwhile (the receiver completes it within its own bound)
				AsyncContext async = request.startAsync();
				async.setTimeout(0);
				answer.whenComplete((checked, failure) -> {
					try {
						write((checked != null) ? checked : UNAVAILABLE, (HttpServletResponse) async.getResponse());
					}
					catch (IOException | RuntimeException ex) {
						// the caller went away: Withings retries what it did not see acknowledged
					}
					finally {
						async.complete();
					}
				});
				return;
			}
			reply = answer.join();
		}
		write(reply, response);
	}

	private static void write(Reply reply, HttpServletResponse response) throws IOException {
		response.setStatus(reply.status());
		if (reply.status() == HttpServletResponse.SC_METHOD_NOT_ALLOWED) {
			response.setHeader(HttpHeaders.ALLOW, WithingsNotificationReceiver.ALLOWED_METHODS);
		}
		byte[] message = reply.message().getBytes(StandardCharsets.UTF_8);
		response.setContentLength(message.length);
		if (message.length > 0) {
			response.setContentType("text/plain;charset=UTF-8");
			response.getOutputStream().write(message);
		}
	}

}
