# Times glmnet's own regularisation path for the comparison suite (compare.py --path).
# Usage: Rscript glmnet_path.R DIR   (DIR holds X.mtx, y.txt, lambda.txt, thresholds.txt,
# dense.txt; gets time_k.txt and coef_k.txt, features x lambdas, per threshold k).
suppressPackageStartupMessages({
  library(Matrix)
  library(glmnet)
})
dir <- commandArgs(trailingOnly = TRUE)[1]
X <- as(readMM(file.path(dir, "X.mtx")), "CsparseMatrix")
if (readLines(file.path(dir, "dense.txt")) == "true") X <- as.matrix(X)
y <- scan(file.path(dir, "y.txt"), quiet = TRUE)
lambda <- scan(file.path(dir, "lambda.txt"), quiet = TRUE)
thresholds <- scan(file.path(dir, "thresholds.txt"), quiet = TRUE)
fit_once <- function(thresh) {
  glmnet(X, y, family = "gaussian", lambda = lambda, intercept = FALSE, standardize = FALSE, thresh = thresh,
         maxit = 1e7)
}
invisible(fit_once(thresholds[1]))
for (k in seq_along(thresholds)) {
  elapsed <- system.time(fit <- fit_once(thresholds[k]))[["elapsed"]]
  writeLines(format(elapsed, digits = 17), file.path(dir, sprintf("time_%d.txt", k - 1)))
  write.table(as.matrix(fit$beta), file.path(dir, sprintf("coef_%d.txt", k - 1)), row.names = FALSE,
              col.names = FALSE)
}
