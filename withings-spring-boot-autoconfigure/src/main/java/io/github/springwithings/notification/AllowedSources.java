package io.github.springwithings.notification;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.springframework.security.web.util.matcher.IpAddressMatcher;
import org.springframework.util.Assert;

/**
 * The callers allowed to call the notification callback: IP addresses or CIDR ranges. None, the
 * default, allows every caller.
 */
final class AllowedSources {

	private volatile List<IpAddressMatcher> matchers = List.of();

	/**
	 * Replace the allowed sources.
	 * @param sources addresses and ranges ({@code 192.0.2.0/24}, {@code 2001:db8::/32})
	 */
	void set(Collection<String> sources) {
		Assert.notNull(sources, "allowedSources cannot be null");
		List<IpAddressMatcher> matchers = new ArrayList<>();
		for (String source : sources) {
			Assert.hasText(source, "allowedSources cannot contain an empty value");
			matchers.add(new IpAddressMatcher(source.trim()));
		}
		this.matchers = List.copyOf(matchers);
	}

	/**
	 * Whether a caller may call the callback.
	 * @param remoteAddress the caller's IP address, may be {@code null}
	 * @return {@code true} when no source is set, or the address is in one
	 */
	boolean allows(String remoteAddress) {
		List<IpAddressMatcher> matchers = this.matchers;
		if (matchers.isEmpty()) {
			return true;
		}
		if (remoteAddress == null) {
			return false;
		}
		for (IpAddressMatcher matcher : matchers) {
			try {
				if (matcher.matches(remoteAddress)) {
					return true;
				}
			}
			catch (IllegalArgumentException ex) {
				// an address of the other family, or not an address at all
			}
		}
		return false;
	}

}
