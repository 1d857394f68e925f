"""LLM providers: the only package importing openai / langchain-openai."""
