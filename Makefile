# Every target bootstraps uv with pip when it is missing, then runs inside the locked venv.
UV := $(shell command -v uv 2>/dev/null)
ifeq ($(UV),)
UV := python3 -m uv
endif
RUN := $(UV) run --frozen

.PHONY: help uv sync demo test test-postgres eval bench serve lint fuzz

help:
	@echo "make demo   - 在内置示例网站群上运行一轮完整检查并输出报告 (./govinspect-demo/)"
	@echo "make test   - 运行全部测试"
	@echo "make eval   - 对照标注数据计算各规则的准确率和召回率"
	@echo "make bench  - 运行性能基准"
	@echo "make fuzz   - 模糊测试：一万个生成的异常页面经过抽取、check-text 和采集链接解析，不得有未捕获异常"
	@echo "make serve  - 在本机启动检查工作台和管理后台（有 make demo 的结果时打开演示工作目录）"

uv:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv

sync: uv
	$(UV) sync --frozen

demo: sync
	$(RUN) govinspect demo --out govinspect-demo

test: sync
	$(RUN) pytest

eval: sync
	$(RUN) python -m govinspect.eval

bench: sync
	$(RUN) python -m bench

# The demo's workspace when `make demo` has made one, else ./govinspect-data (or $GOVINSPECT_WORKSPACE).
SERVE_WORKSPACE := $(or $(GOVINSPECT_WORKSPACE),$(if $(wildcard govinspect-demo/govinspect.sqlite3),govinspect-demo,govinspect-data))

serve: sync
	GOVINSPECT_WORKSPACE=$(SERVE_WORKSPACE) $(RUN) govinspect serve

lint: sync
	$(RUN) ruff check src tests

.PHONY: report-preview
report-preview: sync  ## 样例通报第1页和各附件页 → ./govinspect-preview/*.png (需要 LibreOffice、poppler-utils)
	$(RUN) python -m govinspect.reports.notice.preview --out govinspect-preview

.PHONY: fuzz
fuzz: sync  ## 10,000 generated hostile pages through extract, check-text and the crawler's parser
	$(RUN) python bench/fuzz.py --count 10000 --json fuzz-results.json
