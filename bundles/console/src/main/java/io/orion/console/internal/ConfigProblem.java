package io.orion.console.internal;

/**
 * One thing wrong with a configuration: where it came from (a file in the deploy folder, or
 * "configuration admin" when it was set another way), the PID, the key and value when the problem
 * is one property, and what is wrong in words that say what was expected.
 */
record ConfigProblem(String source, String pid, String key, String value, String message) {

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(source).append(": ");
        if (pid != null) b.append(pid);
        if (key != null) b.append(' ').append(key);
        if (value != null) b.append("=").append(value);
        if (pid != null || key != null) b.append(": ");
        return b.append(message).toString();
    }
}
