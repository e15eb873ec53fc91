package io.github.springwithings.notification;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import io.github.springwithings.notification.WithingsNotificationReceiver.Reply;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.util.Assert;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * The reactive twin of {@link WithingsNotificationFilter}: serves Withings' notification callback
 * in a WebFlux application, before Spring Security's {@code WebFilterChainProxy} (order -100),
 * answering by itself on its exact path. It never blocks: the receiver hands each notification
 * to its executor, where the store is read.
 */
public final class WithingsNotificationWebFilter implements WebFilter, Ordered {

	/** Just before Spring Security's {@code WebFilterChainProxy} (order -100). */
	public static final int DEFAULT_ORDER = -101;

	private final WithingsNotificationReceiver receiver;

	private int order = DEFAULT_ORDER;

	/**
	 * @param receiver what handles the notifications
	 */
	public WithingsNotificationWebFilter(WithingsNotificationReceiver receiver) {
		Assert.notNull(receiver, "receiver cannot be null");
		this.receiver = receiver;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		if (!this.receiver.matches(request.getPath().value(), request.getPath().pathWithinApplication().value())) {
			return chain.filter(exchange);
		}
		InetSocketAddress remote = request.getRemoteAddress();
		Reply before = this.receiver.beforeBody(request.getMethod().name(),
				(remote == null) ? null
						: (remote.getAddress() != null) ? remote.getAddress().getHostAddress() : remote.getHostString(),
				request.getHeaders().getFirst(HttpHeaders.CONTENT_TYPE), request.getHeaders().getContentLength());
		if (before != null) {
			return write(exchange.getResponse(), before);
		}
		return DataBufferUtils.join(request.getBody(), WithingsNotificationReceiver.MAX_BODY_BYTES)
			.map(WithingsNotificationWebFilter::bytes)
			.defaultIfEmpty(new byte[0])
			.flatMap((body) -> Mono.fromFuture(this.receiver.answer(body), true))
			.onErrorResume(DataBufferLimitException.class, (ex) -> Mono.fromSupplier(() -> this.receiver.receive(null)))
			// a body that cannot be read is not a notification: 400, never a 500
			.onErrorResume((ex) -> !(ex instanceof DataBufferLimitException),
					(ex) -> Mono.fromSupplier(() -> this.receiver.receive(new byte[0])))
			.flatMap((reply) -> write(exchange.getResponse(), reply));
	}

	private static byte[] bytes(DataBuffer buffer) {
		try {
			byte[] bytes = new byte[buffer.readableByteCount()];
			buffer.read(bytes);
			return bytes;
		}
		finally {
			DataBufferUtils.release(buffer);
		}
	}

	private static Mono<Void> write(ServerHttpResponse response, Reply reply) {
		response.setStatusCode(HttpStatusCode.valueOf(reply.status()));
		if (reply.status() == HttpStatus.METHOD_NOT_ALLOWED.value()) {
			response.getHeaders().set(HttpHeaders.ALLOW, WithingsNotificationReceiver.ALLOWED_METHODS);
		}
		byte[] message = reply.message().getBytes(StandardCharsets.UTF_8);
		response.getHeaders().setContentLength(message.length);
		if (message.length == 0) {
			return response.setComplete();
		}
		response.getHeaders().setContentType(new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8));
		return response.writeWith(Mono.just(response.bufferFactory().wrap(message)));
	}

	@Override
	public int getOrder() {
		return this.order;
	}

	/**
	 * Sets the order of this filter, {@value #DEFAULT_ORDER} by default: it must run before
	 * Spring Security's.
	 * @param order the order
	 */
	public void setOrder(int order) {
		this.order = order;
	}

}
