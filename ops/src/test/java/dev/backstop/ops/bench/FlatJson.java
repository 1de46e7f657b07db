package dev.backstop.ops.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses one flat JSON object (strings, numbers, booleans, null; no nesting), enough to read the benchmark's lines
 * back the way a script would, and strict enough that a malformed line fails.
 */
final class FlatJson
{
    private final String text;
    private int index;

    private FlatJson(final String text)
    {
        this.text = text;
    }

    /**
     * @param line one JSON object.
     * @return field name to value: String, Double, Boolean or null.
     * @throws IllegalArgumentException when the line is not such an object.
     */
    static Map<String, Object> parse(final String line)
    {
        final FlatJson parser = new FlatJson(line.trim());
        final Map<String, Object> fields = parser.object();
        if (parser.index != parser.text.length())
        {
            throw new IllegalArgumentException("trailing characters at " + parser.index + ": " + line);
        }
        return fields;
    }

    private Map<String, Object> object()
    {
        final Map<String, Object> fields = new LinkedHashMap<>();
        expect('{');
        if (peek() == '}')
        {
            index++;
            return fields;
        }
        while (true)
        {
            final String name = string();
            expect(':');
            if (null != fields.put(name, value()))
            {
                throw new IllegalArgumentException("duplicate field " + name);
            }
            final char c = next();
            if (c == '}')
            {
                return fields;
            }
            if (c != ',')
            {
                throw new IllegalArgumentException("expected , or } at " + (index - 1) + ": " + text);
            }
        }
    }

    private Object value()
    {
        final char c = peek();
        if (c == '"')
        {
            return string();
        }
        if (text.startsWith("true", index))
        {
            index += 4;
            return Boolean.TRUE;
        }
        if (text.startsWith("false", index))
        {
            index += 5;
            return Boolean.FALSE;
        }
        if (text.startsWith("null", index))
        {
            index += 4;
            return null;
        }
        final int start = index;
        while (index < text.length() && "+-0123456789.eE".indexOf(text.charAt(index)) >= 0)
        {
            index++;
        }
        if (start == index)
        {
            throw new IllegalArgumentException("expected a value at " + start + ": " + text);
        }
        return Double.parseDouble(text.substring(start, index));
    }

    private String string()
    {
        expect('"');
        final StringBuilder value = new StringBuilder();
        while (true)
        {
            final char c = next();
            if (c == '"')
            {
                return value.toString();
            }
            if (c == '\\')
            {
                final char escaped = next();
                switch (escaped)
                {
                    case 'n' -> value.append('\n');
                    case 'r' -> value.append('\r');
                    case 't' -> value.append('\t');
                    case 'u' ->
                    {
                        value.append((char)Integer.parseInt(text.substring(index, index + 4), 16));
                        index += 4;
                    }
                    default -> value.append(escaped);
                }
            }
            else
            {
                value.append(c);
            }
        }
    }

    private void expect(final char expected)
    {
        if (next() != expected)
        {
            throw new IllegalArgumentException("expected " + expected + " at " + (index - 1) + ": " + text);
        }
    }

    private char peek()
    {
        if (index >= text.length())
        {
            throw new IllegalArgumentException("unexpected end: " + text);
        }
        return text.charAt(index);
    }

    private char next()
    {
        final char c = peek();
        index++;
        return c;
    }
}
